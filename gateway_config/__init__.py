"""Pure agentgateway configuration: what the Pulumi program and the Lambdas render, with no Pulumi import."""
