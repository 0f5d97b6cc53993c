package dev.ferry.server.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The NOTIFY channel name; needs no database (the behaviour is in PostgresMutationLogTest). */
class PostgresChannelTest {

  @Test
  void channelOf_shortSchema_isThePlainName() {
    assertEquals("ferry_commits_ferry", PostgresMutationLog.channelOf("ferry"));
  }

  @Test
  void channelOf_longSchemas_fitTheIdentifierLimitAndStayDistinct() {
    String a = "a".repeat(49) + "1";
    String b = "a".repeat(49) + "2";

    String channelA = PostgresMutationLog.channelOf(a);

    assertTrue(channelA.length() <= 63, channelA);
    assertTrue(PostgresMutationLog.channelOf("b".repeat(49)).length() <= 63);
    assertNotEquals(channelA, PostgresMutationLog.channelOf(b));
    assertEquals(channelA, PostgresMutationLog.channelOf(a));
  }
}
