package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.SyncStore;
import dev.ferry.store.TargetStore;
import java.nio.file.Path;
import java.util.Set;

/** What {@code ferry pause} and {@code ferry resume} share. */
final class PauseReasons {

  private PauseReasons() {}

  static int change(BaseCommand command, Path db, String target, String reason, boolean json, boolean pause) {
    if (reason.isBlank() || reason.length() > TargetStore.MAX_REASON_LENGTH) {
      throw command.usage("--reason must not be blank and at most " + TargetStore.MAX_REASON_LENGTH + " characters");
    }
    if (target.isBlank()) {
      throw command.usage("--target must not be blank");
    }
    try (SyncStore store = LocalFile.openExisting(command.spec, db)) {
      boolean changed = pause
          ? store.targets().addPauseReason(target, reason)
          : store.targets().removePauseReason(target, reason);
      Set<String> reasons = store.targets().pauseReasons(target);
      if (json) {
        ArrayNode list = Json.array();
        reasons.forEach(list::add);
        Json.print(command.out(), Json.object().put("target", target).put("reason", reason)
            .put("action", pause ? "pause" : "resume").put("changed", changed).set("pause_reasons", list));
      } else {
        command.out().println(describe(target, reason, pause, changed, reasons));
      }
    }
    return Ferry.OK;
  }

  private static String describe(String target, String reason, boolean pause, boolean changed, Set<String> reasons) {
    String what;
    if (pause) {
      what = changed ? "paused target " + target + " with reason '" + reason + "'"
          : "target " + target + " was already paused with reason '" + reason + "'";
    } else {
      what = changed ? "removed pause reason '" + reason + "' from target " + target
          : "target " + target + " had no pause reason '" + reason + "'";
    }
    return what + (reasons.isEmpty() ? "; sync runs" : "; paused by: " + String.join(", ", reasons));
  }
}
