package dev.ferry.server.internal.storage;

import dev.ferry.server.CommitListener;
import dev.ferry.server.internal.LoggedFailure;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of one log; a failing listener is logged and does not stop the others. */
final class CommitListeners {

  private static final Logger LOG = LoggerFactory.getLogger(CommitListeners.class);

  private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();

  void add(CommitListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void committed(String tenant) {
    for (CommitListener l : listeners) {
      try {
        l.committed(tenant);
      } catch (RuntimeException e) {
        LOG.warn("commit listener {} failed: {}", l, LoggedFailure.describe(e));
      }
    }
  }

  void mayHaveMissedCommits() {
    for (CommitListener l : listeners) {
      try {
        l.mayHaveMissedCommits();
      } catch (RuntimeException e) {
        LOG.warn("commit listener {} failed: {}", l, LoggedFailure.describe(e));
      }
    }
  }
}
