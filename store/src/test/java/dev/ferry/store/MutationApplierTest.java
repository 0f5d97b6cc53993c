package dev.ferry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MutationApplierTest {

  private static final class Named implements MutationApplier {
    @Override
    public void apply(ApplyContext context, RemoteMutation mutation) {}
  }

  private static MutationApplier lambda() {
    return (context, mutation) -> {};
  }

  @Test
  void id_namedClass_isItsName() {
    assertEquals(Named.class.getName(), new Named().id());
  }

  @Test
  void id_lambda_isTheDefiningClassNotTheRuntimeName() {
    MutationApplier applier = lambda();
    assertEquals(MutationApplierTest.class.getName() + "$lambda", applier.id());
    // The runtime name of a lambda's class (…$$Lambda$17/0x…) differs between runs; the id must not.
    assertEquals(applier.id(), lambda().id());
  }
}
