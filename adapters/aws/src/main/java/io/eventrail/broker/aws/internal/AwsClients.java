package io.eventrail.broker.aws.internal;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS and SNS clients of one broker instance (one account and region), sharing one HTTP connection
 * pool. Thread-safe; closed with the instance.
 */
public final class AwsClients implements AutoCloseable {
    private final SdkHttpClient http;
    private final SqsClient sqs;
    private final SnsClient sns;
    private final String region;

    private AwsClients(SdkHttpClient http, SqsClient sqs, SnsClient sns, String region) {
        this.http = http;
        this.sqs = sqs;
        this.sns = sns;
        this.region = region;
    }

    /**
     * Builds the clients from the instance's camel-aws2-sqs configuration (region, endpoint override, static or
     * session keys, a profile, else the SDK's default chain); fails naming the option when no region can be found.
     */
    public static AwsClients create(String instance, AwsSettings s) {
        Region region;
        if (s.sqs().getRegion() != null) {
            region = Region.of(s.sqs().getRegion());
        } else {
            try {
                region = new DefaultAwsRegionProviderChain().getRegion();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("eventrail.brokers." + instance + ".region is not set and the SDK's "
                        + "default region chain found none (AWS_REGION, ~/.aws/config); set the region");
            }
        }
        Sqs2Configuration c = s.sqs();
        AwsCredentialsProvider credentials;
        if (c.getAccessKey() != null && c.getSessionToken() != null) {
            credentials = StaticCredentialsProvider.create(AwsSessionCredentials.create(c.getAccessKey(),
                    c.getSecretKey(), c.getSessionToken()));
        } else if (c.getAccessKey() != null) {
            credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(c.getAccessKey(), c.getSecretKey()));
        } else if (c.isUseProfileCredentialsProvider()) {
            credentials = ProfileCredentialsProvider.create(c.getProfileCredentialsName());
        } else {
            credentials = DefaultCredentialsProvider.builder().build();
        }
        ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(s.apiCallTimeout())
                .build();
        SdkHttpClient http = ApacheHttpClient.builder().maxConnections(64).build();
        var sqsBuilder = SqsClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .overrideConfiguration(override);
        var snsBuilder = SnsClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .overrideConfiguration(override);
        if (s.endpointOverride() != null) {
            sqsBuilder.endpointOverride(s.endpointOverride());
            snsBuilder.endpointOverride(s.endpointOverride());
        }
        return new AwsClients(http, sqsBuilder.build(), snsBuilder.build(), region.id());
    }

    public SqsClient sqs() {
        return sqs;
    }

    public SnsClient sns() {
        return sns;
    }

    /** The region id the clients talk to. */
    public String region() {
        return region;
    }

    @Override
    public void close() {
        sqs.close();
        sns.close();
        http.close();
    }

    @Override
    public String toString() {
        return "AwsClients{region=" + region + "}";
    }
}
