package io.eventrail.ingest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may send to the ingest: each caller a bearer token and the CloudEvents {@code source} values it may claim
 * (empty: any). From {@code eventrail.http.token} with {@code allowed-sources} (caller {@code token}) and the entries
 * of {@code eventrail.http.callers}, {@code <token>=<source>|<source>...} (callers {@code caller-1}, {@code caller-2},
 * ... in their order). No token at all: anybody, as caller {@value #ANONYMOUS}. The tokens are secrets: no method
 * and no message shows one. Immutable.
 */
final class Callers {
    /** The caller of a request when no token is configured. */
    static final String ANONYMOUS = "anonymous";

    private record Caller(String name, byte[] bearer, Set<String> sources) {
    }

    private final List<Caller> callers;
    private final Map<String, Set<String>> sourcesByName = new LinkedHashMap<>();

    private Callers(List<Caller> callers) {
        this.callers = List.copyOf(callers);
        this.callers.forEach(c -> sourcesByName.put(c.name(), c.sources()));
    }

    /**
     * The callers of the settings.
     *
     * @param token        {@code eventrail.http.token}, or null
     * @param sources      {@code eventrail.http.allowed-sources} (the sources of {@code token})
     * @param entries      {@code eventrail.http.callers}
     * @param errors       gets one line per malformed entry or repeated token, never the token itself
     */
    static Callers of(String token, Set<String> sources, List<String> entries, List<String> errors) {
        List<Caller> list = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (token != null) {
            list.add(new Caller("token", bearer(token), Set.copyOf(sources)));
            seen.add(token);
        }
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).trim();
            int eq = entry.indexOf('=');
            String name = "caller-" + (i + 1);
            if (eq <= 0 || eq == entry.length() - 1) {
                errors.add(HttpIngestExtension.PREFIX + "callers: entry " + (i + 1) + " must be <token>=<source>[|<source>...]"
                        + " (a token, then the sources it may claim)");
                continue;
            }
            String t = entry.substring(0, eq).trim();
            Set<String> s = new LinkedHashSet<>();
            for (String src : entry.substring(eq + 1).split("\\|")) {
                if (!src.isBlank()) {
                    s.add(src.trim());
                }
            }
            if (s.isEmpty()) {
                errors.add(HttpIngestExtension.PREFIX + "callers: entry " + (i + 1) + " names no source");
                continue;
            }
            if (!seen.add(t)) {
                errors.add(HttpIngestExtension.PREFIX + "callers: entry " + (i + 1) + " repeats a token given before");
                continue;
            }
            list.add(new Caller(name, bearer(t), Set.copyOf(s)));
        }
        return new Callers(list);
    }

    private static byte[] bearer(String token) {
        return ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether requests need a token. */
    boolean authenticated() {
        return !callers.isEmpty();
    }

    /** The caller whose token {@code authorization} (the header's value) carries, or null for none; constant time per token. */
    String caller(String authorization) {
        if (callers.isEmpty()) {
            return ANONYMOUS;
        }
        byte[] given = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Caller c : callers) {
            if (MessageDigest.isEqual(c.bearer(), given) && found == null) {
                found = c.name();
            }
        }
        return found;
    }

    /** The sources {@code caller} may claim (empty: any; an unknown caller: none). */
    Set<String> sources(String caller) {
        if (ANONYMOUS.equals(caller) && callers.isEmpty()) {
            return Set.of();
        }
        Set<String> s = caller == null ? null : sourcesByName.get(caller);
        return s == null ? Set.of("\u0000no source: unknown caller") : s;
    }

    @Override
    public String toString() {
        return "Callers" + sourcesByName.keySet() + " (tokens not shown)";
    }
}
