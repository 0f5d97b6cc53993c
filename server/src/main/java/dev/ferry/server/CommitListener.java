package dev.ferry.server;

/**
 * Told when mutations were committed to a tenant's log. Implementations must be thread-safe and
 * return quickly: they run on the committing thread or a notification thread.
 */
@FunctionalInterface
public interface CommitListener {

  /** A listener that does nothing. */
  CommitListener NONE = tenant -> {};

  /** Mutations were committed to {@code tenant}'s log. */
  void committed(String tenant);

  /**
   * Commits of any tenant may have gone unreported (e.g. the connection that receives other
   * processes' notifications was lost and is back); whoever waits for a commit should look again.
   */
  default void mayHaveMissedCommits() {}
}
