package io.eventrail.lambda.internal;

import io.eventrail.Eventrail;
import io.eventrail.extension.EventrailExtension;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.util.List;

/**
 * The {@code eventrail.lambda.*} section: which consumer pipeline an AWS Lambda function runs and how SQS deliveries
 * count as attempts. Validated with the core's settings; the values are bound in the context's registry as
 * {@value #REGISTRY_NAME} for {@link LambdaContainer}. Stateless; found with ServiceLoader.
 */
public final class LambdaExtension implements EventrailExtension {
    /** Registry name of the validated {@link Settings}. */
    static final String REGISTRY_NAME = "eventrail-lambda-settings";
    /** Each SQS receive is one attempt of the retry policy (SQS's redelivery is the back-off). */
    static final String RETRIES_REDELIVERY = "redelivery";
    /** The retry policy's attempts run inside one invocation, as in a long-running consumer. */
    static final String RETRIES_IN_PROCESS = "in-process";

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("pipeline", Kind.STRING, "", "Id of the consumer pipeline the function runs; empty: the only "
                    + "pipeline declared."),
            OptionSpec.of("retries", Kind.STRING, RETRIES_REDELIVERY, "SQS handler: 'redelivery' makes each receive "
                    + "one attempt (ApproximateReceiveCount is the attempt number, a failure with attempts left is "
                    + "reported in batchItemFailures); 'in-process' runs every attempt with its back-off inside the "
                    + "invocation.").oneOf(RETRIES_REDELIVERY, RETRIES_IN_PROCESS));

    /** The validated section. */
    record Settings(String pipeline, boolean retriesByRedelivery) {
    }

    @Override
    public String section() {
        return "lambda.";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public void attach(Eventrail eventrail, BrokerOptions settings) {
        eventrail.camelContext().getRegistry().bind(REGISTRY_NAME, new Settings(settings.string("pipeline").trim(),
                RETRIES_REDELIVERY.equalsIgnoreCase(settings.string("retries"))));
    }
}
