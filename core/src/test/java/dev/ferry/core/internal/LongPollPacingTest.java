package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LongPollPacingTest {

  private static final long S = 1_000_000_000L;

  private final LongPollPacing pacing = new LongPollPacing(Duration.ofSeconds(25), Duration.ofSeconds(30));

  @Test
  void emptyAnswersAtOnce_holdBackFromOneSecondDoublingUpToThePollInterval() {
    long now = 100 * S;
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (long seconds : expected) {
      pacing.answered(now, 0, true);
      assertTrue(pacing.heldBack(now));
      assertEquals(now + seconds * S, pacing.notBeforeNanos());
      now = pacing.notBeforeNanos();
      assertFalse(pacing.heldBack(now), "over when it ends");
    }
  }

  @Test
  void anAnswerTheServerHeld_orOneWithMutations_endsTheHoldBack() {
    pacing.answered(0, 0, true);
    pacing.answered(S, 0, true);
    pacing.answered(3 * S, 25 * S, true);
    assertFalse(pacing.heldBack(3 * S), "held for the whole wait: the server long-polls");
    pacing.answered(3 * S, 0, true);
    assertEquals(4 * S, pacing.notBeforeNanos(), "starts again at 1 s");
    pacing.answered(4 * S, 0, false);
    assertFalse(pacing.heldBack(4 * S), "mutations are no reason to wait");
  }

  @Test
  void anAnswerAfterASecond_isNotAtOnceEvenIfEmpty() {
    pacing.answered(0, S, true);
    assertFalse(pacing.heldBack(0), "a server that caps the wait at 1 s still long-polls");
    pacing.answered(0, S - 1, true);
    assertTrue(pacing.heldBack(0));
  }

  @Test
  void aRefusal_waitsAtLeastItsRetryAfter() {
    pacing.refused(0, Duration.ofSeconds(5));
    assertEquals(5 * S, pacing.notBeforeNanos());
    pacing.refused(5 * S, null);
    assertEquals(7 * S, pacing.notBeforeNanos(), "the second in a row without Retry-After: 2 s");
    pacing.refused(7 * S, Duration.ofMinutes(10));
    assertEquals(7 * S + 600 * S, pacing.notBeforeNanos(), "a Retry-After beyond the poll interval is honoured");
  }
}
