package dev.ferry.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.RawJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutationChecksTest {

  private static PushMutation m(String project, String key, String payload) {
    return new PushMutation(1, project, "note", key, "upsert", RawJson.of(payload), null);
  }

  @Test
  void problem_wellFormed_isNull() {
    assertNull(MutationChecks.problem(m("notes", "k", "{\"t\":\"😀\"}")));
  }

  @Test
  void problem_namesTheFirstBadField() {
    assertEquals("project must not be blank", MutationChecks.problem(m(" ", "k", "1")));
    assertEquals(
        "entity_key must be at most 1024 characters",
        MutationChecks.problem(m("p", "k".repeat(1025), "1")));
    assertEquals(
        "project must not contain NUL characters or unpaired surrogates",
        MutationChecks.problem(m("a\u0000b", "k", "1")));
    assertEquals(
        "entity_key must not contain NUL characters or unpaired surrogates",
        MutationChecks.problem(m("p", "k\ud83d", "1")));
  }

  @Test
  void problem_payloadIsCarriedAsItsText() {
    assertNull(MutationChecks.problem(m("p", "k", "\"\\u0000 \\ud800\"")));
  }

  @Test
  void problem_createdAtOutsideYears0000To9999_isRejected() {
    for (String bad :
        List.of(
            "+300000000-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59.999Z",
            "-1000000000-01-01T00:00:00Z")) {
      assertEquals(
          "created_at must be between years 0000 and 9999",
          MutationChecks.problem(at(Instant.parse(bad))),
          bad);
    }
    assertNull(MutationChecks.problem(at(Instant.parse("0000-01-01T00:00:00Z"))));
    assertNull(MutationChecks.problem(at(Instant.parse("9999-12-31T23:59:59.999999999Z"))));
  }

  private static PushMutation at(Instant createdAt) {
    return new PushMutation(1, "p", "note", "k", "upsert", RawJson.of("1"), createdAt);
  }

  @Test
  void storable_refusesNulAndUnpairedSurrogatesOnly() {
    assertTrue(MutationChecks.storable("plain é 😀"));
    assertFalse(MutationChecks.storable("\u0000"));
    assertFalse(MutationChecks.storable("x\ud83d"));
    assertFalse(MutationChecks.storable("\ude00x"));
  }

  @Test
  void replicaIdProblem_longOrControlCharacters() {
    assertNull(MutationChecks.replicaIdProblem("7f9c-uuid"));
    assertEquals(
        "replica_id must be at most 200 characters",
        MutationChecks.replicaIdProblem("r".repeat(201)));
    assertTrue(MutationChecks.replicaIdProblem("r\n").contains("control"));
  }
}
