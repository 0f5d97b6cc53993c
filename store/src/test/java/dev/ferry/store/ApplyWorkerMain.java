package dev.ferry.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The victim of {@link KillDuringApplyTest}, run in its own JVM: applies pages of generated remote
 * mutations through the document applier, printing {@code PAGE <cursor>} after each commit. In
 * mode {@code block} it stops for good inside the applier of its third page, after writing that
 * page's documents (large enough to spill into the WAL uncommitted), and prints {@code BLOCKED}.
 */
public final class ApplyWorkerMain {

  static final int PAGE_SIZE = 1_000;
  static final int KEYS = 2_500;
  static final String PADDING = "x".repeat(2_000);

  private ApplyWorkerMain() {}

  /** The deterministic content of server seq {@code seq}, so a checker can recompute any prefix. */
  static RemoteMutation mutation(long seq) {
    return new RemoteMutation(seq, "writer", seq, "notes", "note", "k-" + (seq % KEYS), "upsert",
        "{\"seq\":" + seq + ",\"pad\":\"" + PADDING + "\"}", seq, seq);
  }

  static List<RemoteMutation> pageAfter(long cursor) {
    List<RemoteMutation> page = new ArrayList<>(PAGE_SIZE);
    for (int i = 1; i <= PAGE_SIZE; i++) {
      page.add(mutation(cursor + i));
    }
    return page;
  }

  public static void main(String[] args) {
    boolean block = args[1].equals("block");
    try (SyncStore store = SyncStore.open(Path.of(args[0]))) {
      Fence fence = store.leases().acquire(Fixtures.TARGET, "victim", Duration.ofHours(1)).fence();
      DocumentApplier documents = new DocumentApplier();
      MutationApplier applier = new MutationApplier() {
        @Override
        public void apply(ApplyContext ctx, RemoteMutation m) throws Exception {
          applyAll(ctx, List.of(m));
        }

        @Override
        public void applyAll(ApplyContext ctx, List<RemoteMutation> mutations) throws Exception {
          documents.applyAll(ctx, mutations);
          if (block && mutations.get(0).serverSeq() > 2L * PAGE_SIZE) {
            System.out.println("BLOCKED");
            System.out.flush();
            while (true) {
              LockSupport.park();
            }
          }
        }

        @Override
        public String id() {
          return DocumentApplier.ID;
        }
      };
      FencedWriter writer = store.fenced(fence, applier);
      long cursor = store.targets().state(Fixtures.TARGET).lastPulledSeq();
      while (true) {
        cursor = writer.applyPage(pageAfter(cursor), cursor + PAGE_SIZE).cursor();
        System.out.println("PAGE " + cursor);
        System.out.flush();
      }
    }
  }
}
