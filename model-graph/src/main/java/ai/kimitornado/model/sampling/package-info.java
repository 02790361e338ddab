/**
 * Token samplers: {@link ai.kimitornado.model.sampling.GreedySampler} (argmax) and
 * {@link ai.kimitornado.model.sampling.TopPSampler} (temperature + nucleus, seeded), chosen by
 * {@link ai.kimitornado.model.sampling.Sampler#create} from {@link ai.kimitornado.model.sampling.SamplingOptions}.
 */
package ai.kimitornado.model.sampling;
