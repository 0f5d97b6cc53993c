package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * The server's answer {@code accepted} or {@code duplicate} for one pushed mutation.
 *
 * @param seq the local seq ({@code client_seq})
 * @param serverSeq the seq the server stored it under (the original one for a duplicate)
 */
public record Ack(long seq, long serverSeq) {

  /** @throws IllegalArgumentException unless both are positive */
  public Ack {
    Checks.positive(seq, "seq");
    Checks.positive(serverSeq, "serverSeq");
  }
}
