package io.eventrail;

import java.util.List;

/** Start-up refused because the settings are wrong; lists every problem at once, secrets never shown. */
public class EventrailConfigurationException extends RuntimeException {
    private final List<String> problems;

    public EventrailConfigurationException(List<String> problems) {
        super("Eventrail settings are invalid (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
