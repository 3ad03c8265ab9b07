package io.eventrail.broker.rabbitmq.internal;

/** The broker did not confirm a publish: it nacked it, the confirm timed out, or the channel closed first. */
public final class PublishNotConfirmedException extends RuntimeException {
    PublishNotConfirmedException(String message) {
        super(message);
    }

    PublishNotConfirmedException(String message, Throwable cause) {
        super(message, cause);
    }
}
