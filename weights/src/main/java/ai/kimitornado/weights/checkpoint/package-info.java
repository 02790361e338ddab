/**
 * The published Kimi Linear tensor layout, checkpoint validation against a config, name-variant resolution, and a
 * seeded random checkpoint writer (tests, {@code make-tiny}).
 */
package ai.kimitornado.weights.checkpoint;
