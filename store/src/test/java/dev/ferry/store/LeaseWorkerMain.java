package dev.ferry.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One contender of {@link LeaseContentionTest}, run in its own JVM. It competes for the lease
 * until its deadline and prints every lease it is granted ({@code HELD epoch expiresAt}); while
 * holding, it applies one-mutation pages whose applier writes a probe row (owner, epoch, seq), so
 * fenced writes of every holder land in one table. Sometimes it releases, sometimes it stalls past
 * its TTL and then tries a write with its stale fence ({@code LOST} when refused).
 * Releases are printed as {@code RELEASED epoch notEarlierThan}.
 */
public final class LeaseWorkerMain {

  static final Duration TTL = Duration.ofMillis(120);

  private LeaseWorkerMain() {}

  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    String owner = args[1];
    long runMillis = Long.parseLong(args[2]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[3]));
    MutationApplier probe = new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) {
        ctx.handle().execute("INSERT INTO probe (owner, epoch, seq) VALUES (?, ?, ?)",
            m.replicaId(), m.clientSeq(), m.serverSeq());
      }

      @Override
      public String id() {
        return "probe";
      }
    };
    try (SyncStore store = SyncStore.open(db)) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runMillis);
      while (System.nanoTime() < deadline) {
        LeaseInfo info = store.leases().acquire(Fixtures.TARGET, owner, TTL);
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
          // The store judges the release at a "now" no earlier than this.
          long before = System.currentTimeMillis();
          if (store.leases().release(info.fence())) {
            System.out.println("RELEASED " + info.epoch() + " " + before);
          }
        } else if (dice < 4) {
          LockSupport.parkNanos(TTL.toNanos() + TimeUnit.MILLISECONDS.toNanos(random.nextInt(20, 80)));
          probeWrite(store, writer, owner, info.epoch());
        }
      }
    }
    System.out.println("DONE");
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
