package dev.ferry.cli.internal.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which threads count as a replica's sync side, for {@code ferry bench} and bench's IdleCpuProbe
 * alike (the probe's own copy of this list had fallen behind: it missed the ack thread). The names
 * are those core, transport and server give their threads.
 */
class IdleCpuTest {

  @ParameterizedTest
  @ValueSource(strings = {"ferry-sync-cloud", "ferry-longpoll-cloud", "ferry-timer-cloud", "ferry-lease-cloud", "ferry-listeners-cloud",
      "ferry-ack-cloud", "ferry-release-cloud", "ferry-transport-3", "OkHttp TaskRunner",
      "OkHttp http://127.0.0.1:8787/..."})
  void isSyncSide_theReplicasThreads(String name) {
    assertTrue(IdleCpu.isSyncSide(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ferry-http-1", "ferry-poll-2", "ferry-poll-timer-1", "ferry-sqlite-checkpoint-1",
      "HTTP-Dispatcher", "main", "ferry-cleanup"})
  void isSyncSide_notTheServersOrTheCommands(String name) {
    assertFalse(IdleCpu.isSyncSide(name));
  }
}
