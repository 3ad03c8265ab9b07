package io.eventrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

class EventrailMainTest {

    @Test
    void propertyArgumentsBecomeOverridesAndTheRestIsKeptInOrder() {
        Main main = new Main();
        String[] rest = EventrailMain.applyPropertyArguments(main, "--a.b=1", "-d", "5", "--c.d", "x y", "-De.f=2",
                "--g.h=", "-t");
        assertThat(rest).containsExactly("-d", "5", "-t");
        var p = main.getOverrideProperties();
        assertThat(p.stringPropertyNames()).containsExactlyInAnyOrder("a.b", "c.d", "e.f", "g.h");
        assertThat(List.of(p.getProperty("a.b"), p.getProperty("c.d"), p.getProperty("e.f"), p.getProperty("g.h")))
                .containsExactly("1", "x y", "2", "");
    }

    @Test
    void aKeyWithoutValueOrAValueWithoutKeyIsRefused() {
        Main main = new Main();
        assertThatThrownBy(() -> EventrailMain.applyPropertyArguments(main, "--only.key"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--only.key=VALUE");
        assertThatThrownBy(() -> EventrailMain.applyPropertyArguments(main, "--only.key", "--next=1"))
                .hasMessageContaining("--only.key=VALUE");
        assertThatThrownBy(() -> EventrailMain.applyPropertyArguments(main, "--=x")).hasMessageContaining("no property key");
    }

    @Test
    void aConfigurationProblemIsFoundAnywhereInTheCauseChain() {
        IllegalArgumentException bad = new IllegalArgumentException("bad port");
        assertThat(EventrailMain.configurationProblem(new RuntimeException("start failed", bad))).isSameAs(bad);
        assertThat(EventrailMain.configurationProblem(new RuntimeException("io", new java.io.IOException("x"))))
                .isNull();
    }

    @Test
    void eventrailsOwnRefusalWinsOverAnIllegalArgumentAndIsFoundBehindCamelsVeto() {
        EventrailConfigurationException refusal = new EventrailConfigurationException(List.of("eventrail.x: bad"));
        Exception veto = new org.apache.camel.VetoCamelContextStartException(refusal.getMessage(), refusal, null, true);
        Throwable started = new org.apache.camel.RuntimeCamelException(new IllegalArgumentException("outer", veto));
        assertThat(EventrailMain.configurationProblem(started)).isSameAs(refusal);
    }
}
