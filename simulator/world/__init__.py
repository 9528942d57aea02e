"""The world models: keyed random streams, the nine rules, reply analysis, the customer persona,
the audience graph, the ripple and the Monte Carlo forecast. Built on `format` only."""
