"""AWS adapters: the only modules that talk to DynamoDB and Step Functions."""
