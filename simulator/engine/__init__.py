"""The session engine: one scenario, one seed, one clock, the trainee's steps and their events.
No I/O and no environment: caches, writers and clocks are handed in by the services layer."""
