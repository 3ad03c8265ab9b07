package io.eventrail.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.eventrail.internal.Pipelines;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The public API of every library module on this module's class path (broker SPI, routes-dsl, conformance kit,
 * memory, Kafka, RabbitMQ and AWS adapters, JDBC and Redis stores, management, HTTP ingest, AWS Lambda, AsyncAPI) names no type of an {@code .internal} package: not in a public or
 * protected method, constructor or field, nor as the superclass or an interface of a public type, type arguments
 * included. A new library module is covered once it is a dependency of this module. Samples are applications,
 * not API, and are not checked.
 */
public class PublicApiTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.eventrail");

    /** The rule, over any set of imported classes. */
    static final ArchRule NO_INTERNAL_TYPE_IN_PUBLIC_SIGNATURES = classes()
            .that(isApi())
            .should(exposeNoInternalType())
            .because("types of .internal packages are not API: a public signature must use public interfaces or records");

    @Test
    @DisplayName("no public signature of any library module names a type of an .internal package")
    void noInternalTypeInPublicSignatures() {
        NO_INTERNAL_TYPE_IN_PUBLIC_SIGNATURES.check(MAIN);
    }

    @Test
    @DisplayName("the rule sees every library module's classes, main code only")
    void ruleCoversEveryModule() {
        assertThat(List.of("io.eventrail.spi.BrokerAdapter", "io.eventrail.Eventrail", "io.eventrail.internal.ConsumerPipeline",
                "io.eventrail.tck.BrokerConformanceKit", "io.eventrail.broker.memory.MemoryBrokerAdapter",
                "io.eventrail.broker.kafka.KafkaBrokerAdapter", "io.eventrail.broker.rabbitmq.RabbitMqBrokerAdapter",
                "io.eventrail.broker.aws.SqsBrokerAdapter", "io.eventrail.store.jdbc.JdbcIdempotencyStore",
                "io.eventrail.store.redis.RedisIdempotencyStore", "io.eventrail.management.ControlPlane",
                "io.eventrail.ingest.internal.HttpIngestExtension", "io.eventrail.lambda.SqsEventHandler",
                "io.eventrail.asyncapi.AsyncApi"))
                .allMatch(MAIN::contain);
        assertThat(MAIN.contain(PublicApiTest.class)).isFalse();
        assertThat(MAIN.stream().map(JavaClass::getName)).noneMatch(n -> n.startsWith("io.eventrail.it."));
    }

    @Test
    @DisplayName("the rule fails on a public method that returns an internal type")
    void ruleCatchesAViolation() {
        JavaClasses leaky = new ClassFileImporter().importClasses(PublicApiTest.class, Leaky.class);
        assertThat(violations(leaky)).anyMatch(v -> v.contains("Leaky.leak()") && v.contains("io.eventrail.internal."));
    }

    private static List<String> violations(JavaClasses imported) {
        try {
            NO_INTERNAL_TYPE_IN_PUBLIC_SIGNATURES.check(imported);
            return List.of();
        } catch (AssertionError e) {
            return List.of(e.getMessage());
        }
    }

    /** A public type whose method returns (inside a type argument) an internal type: what the rule must refuse. */
    public static final class Leaky {
        public Optional<Pipelines> leak() {
            return Optional.empty();
        }
    }

    private static boolean isInternal(JavaClass c) {
        return c.getPackageName().contains(".internal");
    }

    /** Public, outside {@code .internal}, and every enclosing class public too. */
    private static DescribedPredicate<JavaClass> isApi() {
        return DescribedPredicate.describe("are public API", c -> {
            if (isInternal(c)) {
                return false;
            }
            for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getEnclosingClass()) {
                if (!k.get().getModifiers().contains(JavaModifier.PUBLIC)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no type of an .internal package") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> found = new ArrayList<>();
                c.getRawSuperclass().filter(PublicApiTest::isInternal)
                        .ifPresent(s -> found.add("extends " + s.getName()));
                c.getInterfaces().stream().flatMap(i -> i.getAllInvolvedRawTypes().stream()).filter(PublicApiTest::isInternal)
                        .forEach(i -> found.add("implements " + i.getName()));
                boolean subclassable = !c.getModifiers().contains(JavaModifier.FINAL) && !c.isEnum() && !c.isRecord();
                for (JavaMember m : c.getMembers()) {
                    if (!visible(m, subclassable)) {
                        continue;
                    }
                    List<JavaType> types = new ArrayList<>();
                    if (m instanceof JavaField f) {
                        types.add(f.getType());
                    } else if (m instanceof JavaCodeUnit u) {
                        if (u.getName().startsWith("lambda$") || u.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                            continue;
                        }
                        types.add(u.getReturnType());
                        u.getParameters().stream().map(JavaParameter::getType).forEach(types::add);
                    }
                    types.stream().flatMap(t -> t.getAllInvolvedRawTypes().stream()).filter(PublicApiTest::isInternal)
                            .distinct().forEach(t -> found.add(m.getFullName() + " uses " + t.getName()));
                }
                for (String f : found) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + f));
                }
            }
        };
    }

    private static boolean visible(JavaMember m, boolean subclassable) {
        return m.getModifiers().contains(JavaModifier.PUBLIC)
                || (subclassable && m.getModifiers().contains(JavaModifier.PROTECTED));
    }
}
