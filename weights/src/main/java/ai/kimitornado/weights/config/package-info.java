/**
 * Kimi Linear {@code config.json} in both layouts (published and transformers) as a validated
 * {@link ai.kimitornado.weights.config.KimiLinearConfig}; bundled real 48B-A3B and tiny demo configs.
 */
package ai.kimitornado.weights.config;
