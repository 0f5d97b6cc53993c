package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenGrantTest {

  private static final String TOKEN = "a-long-enough-token-123";

  @Test
  void allProjects_readsAndWritesEverything() {
    TokenGrant g = TokenGrant.allProjects(TOKEN, "acme");

    assertTrue(g.readable().contains("anything"));
    assertTrue(g.writable().all());
  }

  @Test
  void toString_neverShowsTheToken() {
    TokenGrant g = new TokenGrant(TOKEN, "acme", Set.of("notes"), Set.of());

    assertFalse(g.toString().contains(TOKEN));
    assertTrue(g.toString().contains("acme"));
  }

  @Test
  void constructor_refusesWeakTokensAndBadTenants() {
    assertThrows(IllegalArgumentException.class, () -> TokenGrant.allProjects("short", "t"));
    assertThrows(
        IllegalArgumentException.class, () -> TokenGrant.allProjects("has a space in it ok", "t"));
    assertThrows(IllegalArgumentException.class, () -> TokenGrant.allProjects(TOKEN, " "));
    assertThrows(
        IllegalArgumentException.class, () -> TokenGrant.allProjects(TOKEN, "x".repeat(201)));
    assertThrows(
        IllegalArgumentException.class, () -> new TokenGrant(TOKEN, "t", Set.of(" "), Set.of()));
  }

  @Test
  void name_defaultsToDefault_andFollowsItsRule() {
    assertEquals("default", TokenGrant.allProjects(TOKEN, "acme").name());
    assertEquals("ci-writer@acme.example", TokenGrant.allProjects(TOKEN, "a").withName("ci-writer@acme.example").name());
    for (String bad : List.of("", "has space", "x".repeat(101), "(anonymous)", "ünï", "a\nb")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> TokenGrant.allProjects(TOKEN, "t").withName(bad));
      assertTrue(e.getMessage().startsWith("name must be"), e.getMessage());
    }
  }

  @Test
  void checkTogether_tokensOfOneNameMustHaveTheSameGrants() {
    TokenGrant all = TokenGrant.allProjects(TOKEN, "acme");
    TokenGrant narrow = new TokenGrant("narrow-token-0123456789", "acme", Set.of("notes"), Set.of("notes"));
    TokenGrant rotated = TokenGrant.allProjects("rotated-token-0123456789", "acme");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokenGrant.checkTogether(List.of(all, narrow)));
    assertTrue(e.getMessage().contains("'default'"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN), "never shows a token");
    TokenGrant.checkTogether(List.of(all, narrow.withName("notes-writer"), rotated));
    TokenGrant.checkTogether(List.of(all, new TokenGrant("other-tenant-0123456789", "globex", Set.of(), Set.of())));
    assertThrows(
        IllegalArgumentException.class,
        () -> TokenGrant.checkTogether(List.of(all, all.withName("other"))),
        "one token twice");
  }

  @Test
  void projectSet_wildcardAndNames() {
    assertEquals(ProjectSet.ALL, ProjectSet.of(List.of("a", "*")));
    assertTrue(ProjectSet.of(List.of()).isEmpty());
    ProjectSet some = ProjectSet.of(List.of("b", "a"));
    assertTrue(some.contains("a"));
    assertFalse(some.contains("c"));
    assertEquals(List.of("a", "b"), some.toWire());
    assertEquals(List.of("*"), ProjectSet.ALL.toWire());
    assertThrows(IllegalArgumentException.class, () -> new ProjectSet(true, Set.of("a")));
  }
}
