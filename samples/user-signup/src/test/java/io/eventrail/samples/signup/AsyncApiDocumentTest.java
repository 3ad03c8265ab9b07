package io.eventrail.samples.signup;

import io.eventrail.asyncapi.CommittedDocument;

/** The sample's committed event catalogue (docs/asyncapi/user-signup.yaml) is what the code generates, and valid. */
class AsyncApiDocumentTest extends CommittedDocument {
    AsyncApiDocumentTest() {
        super(SignupRoutes::new, "docs/asyncapi/user-signup.yaml");
    }
}
