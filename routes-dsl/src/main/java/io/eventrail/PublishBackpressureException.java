package io.eventrail;

import io.cloudevents.CloudEvent;

/**
 * A publish refused before it was sent: its broker instance already had {@code eventrail.publish.max-in-flight}
 * events sent and not yet confirmed, and none was confirmed in time to make room (with
 * {@code eventrail.publish.when-full=wait}, within {@code eventrail.publish.wait-timeout}), or at once with
 * {@code when-full=fail}. Nothing was sent: publish {@link #event()} again later.
 */
public class PublishBackpressureException extends PublishException {
    public PublishBackpressureException(CloudEvent event, String message) {
        super(event, message, null);
    }
}
