"""The formula language: grammar, parser, compiler and evaluator."""
