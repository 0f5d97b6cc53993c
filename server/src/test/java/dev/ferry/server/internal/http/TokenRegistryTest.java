package dev.ferry.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.server.TokenGrant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenRegistryTest {

  private final TokenRegistry registry =
      new TokenRegistry(
          List.of(
              TokenGrant.allProjects("first-token-0123456789", "one"),
              new TokenGrant("second-token-0123456789", "two", Set.of("notes"), Set.of())));

  @Test
  void authenticate_knownBearerToken_findsItsTenantAndGrants() {
    Principal p = registry.authenticate("Bearer second-token-0123456789");

    assertEquals("two", p.tenant());
    assertEquals(List.of("notes"), p.readable().toWire());
    assertEquals(List.of(), p.writable().toWire());
    assertEquals("one", registry.authenticate("bearer   first-token-0123456789 ").tenant());
  }

  @Test
  void authenticate_givesThePrincipalItsGrantsName() {
    TokenRegistry named =
        new TokenRegistry(
            List.of(TokenGrant.allProjects("first-token-0123456789", "one").withName("ci")),
            "dev");

    assertEquals("ci", named.authenticate("Bearer first-token-0123456789").name());
    assertEquals("default", registry.authenticate("Bearer second-token-0123456789").name());
    assertEquals(Principal.ANONYMOUS, named.authenticate(null).name(), "insecure, no token");
    assertEquals("dev", named.authenticate("Bearer unknown-token-0123456789").tenant());
  }

  @Test
  void authenticate_missingMalformedOrUnknown_is401WithoutEchoingTheToken() {
    assertEquals("missing_token", code(null));
    assertEquals("missing_token", code(""));
    assertEquals("missing_token", code("Bearer"));
    assertEquals("missing_token", code("Basic Zmlyc3Q="));
    assertEquals("invalid_token", code("Bearer first-token-012345678"));
    ApiException e =
        assertThrows(ApiException.class, () -> registry.authenticate("Bearer guess-guess-guess"));
    assertFalse(e.getMessage().contains("guess"));
  }

  @Test
  void constructor_sharedToken_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TokenRegistry(
                List.of(
                    TokenGrant.allProjects("same-token-0123456789", "a"),
                    TokenGrant.allProjects("same-token-0123456789", "b"))));
  }

  @Test
  void authenticate_insecureTenant_noOrUnknownTokenGetsEveryProjectOfIt_knownTokenKeepsItsGrant() {
    TokenRegistry open =
        new TokenRegistry(
            List.of(new TokenGrant("reader-token-0123456789", "two", Set.of("notes"), Set.of())),
            "dev");

    for (String header : new String[] {null, "", "Basic Zmlyc3Q=", "Bearer anything-at-all"}) {
      Principal p = open.authenticate(header);
      assertEquals("dev", p.tenant());
      assertEquals(List.of("*"), p.readable().toWire());
      assertEquals(List.of("*"), p.writable().toWire());
    }
    Principal reader = open.authenticate("Bearer reader-token-0123456789");
    assertEquals("two", reader.tenant());
    assertEquals(List.of(), reader.writable().toWire());
  }

  private String code(String header) {
    ApiException e = assertThrows(ApiException.class, () -> registry.authenticate(header));
    assertEquals(401, e.status());
    return e.errorCode();
  }
}
