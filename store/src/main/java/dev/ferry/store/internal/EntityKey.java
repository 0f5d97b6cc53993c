package dev.ferry.store.internal;

/** The protection key of a mutation within one target. */
public record EntityKey(String project, String entity, String entityKey) {}
