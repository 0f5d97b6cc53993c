package dev.ferry.server;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of project names, or every project ({@code *}). Immutable and thread-safe.
 *
 * @param all true when every project is included (then {@code names} is empty)
 * @param names the included projects when {@code all} is false; none blank
 */
public record ProjectSet(boolean all, Set<String> names) {

  /** The wildcard that stands for every project in grants and on the wire. */
  public static final String WILDCARD = "*";

  /** Every project. */
  public static final ProjectSet ALL = new ProjectSet(true, Set.of());

  /** No project at all. */
  public static final ProjectSet NONE = new ProjectSet(false, Set.of());

  public ProjectSet {
    Objects.requireNonNull(names, "names");
    for (String name : names) {
      Objects.requireNonNull(name, "project name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("project names must not be blank");
      }
      if (name.equals(WILDCARD)) {
        throw new IllegalArgumentException("use ProjectSet.ALL instead of a '*' name");
      }
    }
    if (all && !names.isEmpty()) {
      throw new IllegalArgumentException("a set of all projects must not also list names");
    }
    names = Set.copyOf(names);
  }

  /**
   * Parses grant entries: {@code *} anywhere means every project, otherwise the names as given.
   *
   * @throws IllegalArgumentException if an entry is blank
   */
  public static ProjectSet of(Collection<String> entries) {
    Objects.requireNonNull(entries, "entries");
    if (entries.contains(WILDCARD)) {
      return ALL;
    }
    return entries.isEmpty() ? NONE : new ProjectSet(false, Set.copyOf(entries));
  }

  /** Whether {@code project} is in this set. */
  public boolean contains(String project) {
    return all || names.contains(project);
  }

  /** True when this set contains no project at all. */
  public boolean isEmpty() {
    return !all && names.isEmpty();
  }

  /** The grant entries as shown on the wire: {@code ["*"]} or the names, sorted. */
  public List<String> toWire() {
    return all ? List.of(WILDCARD) : List.copyOf(new TreeSet<>(names));
  }
}
