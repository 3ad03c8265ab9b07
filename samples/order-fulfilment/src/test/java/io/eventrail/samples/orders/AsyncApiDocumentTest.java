package io.eventrail.samples.orders;

import io.eventrail.asyncapi.CommittedDocument;

/** The sample's committed event catalogue (docs/asyncapi/order-fulfilment.yaml) is what the code generates, and valid. */
class AsyncApiDocumentTest extends CommittedDocument {
    AsyncApiDocumentTest() {
        super(OrderRoutes::new, "docs/asyncapi/order-fulfilment.yaml");
    }
}
