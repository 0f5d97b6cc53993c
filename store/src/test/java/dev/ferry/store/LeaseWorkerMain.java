package dev.ferry.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One contender of {@link LeaseContentionTest}, run in its own JVM. It competes for the lease
 * until its deadline and prints every lease it is granted ({@code HELD epoch expiresAt}); while
 * holding, it applies one-mutation pages whose applier writes a probe row (owner, epoch, seq, at),
 * so fenced writes of every holder land in one table. {@code at} is the store clock's "now" of the
 * fenced transaction (the instant its fence check was judged at), so the test can check it against
 * the epoch's span instead of trusting the writer's word. Sometimes it releases, sometimes it
 * stalls past its TTL and then tries a write with its stale fence ({@code LOST} when refused).
 * Releases are printed as {@code RELEASED epoch before after}: the store's release "now" lies
 * between the two readings taken around the call.
 */
public final class LeaseWorkerMain {

  static final Duration TTL = Duration.ofMillis(120);

  private LeaseWorkerMain() {}

  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    String owner = args[1];
    long runMillis = Long.parseLong(args[2]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[3]));
    RecordingClock clock = new RecordingClock();
    MutationApplier probe = new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) {
        ctx.handle().execute("INSERT INTO probe (owner, epoch, seq, at) VALUES (?, ?, ?, ?)",
            m.replicaId(), m.clientSeq(), m.serverSeq(), clock.lastOnThisThread());
      }

      @Override
      public String id() {
        return "probe";
      }
    };
    try (SyncStore store = SyncStore.open(db, StoreConfig.builder().clock(clock).build())) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runMillis);
      LeaseInfo last = null;
      while (System.nanoTime() < deadline) {
        LeaseInfo info = store.leases().acquire(Fixtures.TARGET, owner, TTL);
        last = info;
        if (!info.isHeldBy(owner)) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(1, 15)));
          continue;
        }
        System.out.println("HELD " + info.epoch() + " " + info.expiresAtMillis());
        FencedWriter writer = store.fenced(info.fence(), probe);
        for (int i = random.nextInt(1, 4); i > 0; i--) {
          probeWrite(store, writer, owner, info.epoch());
        }
        int dice = random.nextInt(10);
        if (dice < 2) {
          release(store, info);
        } else if (dice < 4) {
          LockSupport.parkNanos(TTL.toNanos() + TimeUnit.MILLISECONDS.toNanos(random.nextInt(20, 80)));
          probeWrite(store, writer, owner, info.epoch());
        }
      }
      // Closing the store gives up the lease's file lock, which lets a contender take the lease
      // over at once (as when a process dies): release it first, so the epoch's span ends here.
      if (last != null && last.isHeldBy(owner)) {
        release(store, last);
      }
    }
    System.out.println("DONE");
  }

  private static void release(SyncStore store, LeaseInfo info) {
    long before = System.currentTimeMillis();
    boolean released = store.leases().release(info.fence());
    long after = System.currentTimeMillis();
    if (released) {
      System.out.println("RELEASED " + info.epoch() + " " + before + " " + after);
    }
  }

  /**
   * The system clock, remembering its last reading on each thread. A fenced write reads the store
   * clock once, when its transaction starts, and nothing in the page path reads it again before
   * the applier runs, so inside the applier the last reading is the transaction's "now".
   */
  static final class RecordingClock extends Clock {
    private final ThreadLocal<Long> last = new ThreadLocal<>();

    long lastOnThisThread() {
      Long millis = last.get();
      if (millis == null) {
        throw new IllegalStateException("the store has not read the clock on this thread");
      }
      return millis;
    }

    @Override
    public long millis() {
      long millis = System.currentTimeMillis();
      last.set(millis);
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the store uses UTC");
    }
  }

  private static void probeWrite(SyncStore store, FencedWriter writer, String owner, long epoch) {
    long next = store.targets().state(Fixtures.TARGET).lastPulledSeq() + 1;
    RemoteMutation m = new RemoteMutation(next, owner, epoch, "p", "e", "k", "upsert", "{}", 0, 0);
    try {
      writer.applyPage(List.of(m), next);
      System.out.println("WROTE " + epoch);
    } catch (LeaseLostException e) {
      System.out.println("LOST " + epoch);
    }
  }
}
