package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the server did with one pushed mutation. */
public enum PushStatus {
  /** Stored now; the result carries its server seq. */
  @JsonProperty("accepted")
  ACCEPTED,
  /** Stored before (a retry); the result carries the original server seq. */
  @JsonProperty("duplicate")
  DUPLICATE,
  /** Not stored; the result carries a code, a message and whether a retry may succeed. */
  @JsonProperty("rejected")
  REJECTED
}
