package ai.kimitornado.tasks.jit;

/**
 * One @Parallel loop {@code for (@Parallel int v = lower; v < upper; v += step)} mapped to grid dimension
 * {@code dim}. The kernel runs it as a grid-stride loop ({@code v = lower + get_global_id(dim)*step; v < upper;
 * v += get_global_size(dim)*step}), so every global size is correct; the runtime uses {@link #iterations} to
 * choose an efficient one. Bounds are null when they are not computable from the arguments alone (e.g. an inner
 * bound depending on the outer loop variable): then {@link #boundsKnown()} is false.
 */
public record ParallelDim(int dim, String variable, HostExpr lower, HostExpr upper, boolean upperInclusive, long step) {

    public boolean boundsKnown() {
        return lower != null && upper != null;
    }

    public long lowerBound(Object[] args) {
        requireKnown();
        return lower.eval(args);
    }

    /** Exclusive upper bound. */
    public long upperBound(Object[] args) {
        requireKnown();
        return upper.eval(args) + (upperInclusive ? 1 : 0);
    }

    /** Number of iterations for these arguments (0 if empty). */
    public long iterations(Object[] args) {
        long span = upperBound(args) - lowerBound(args);
        return span <= 0 ? 0 : (span + step - 1) / step;
    }

    private void requireKnown() {
        if (!boundsKnown()) {
            throw new IllegalStateException("bounds of @Parallel loop '" + variable + "' (dimension " + dim
                    + ") are not computable from the kernel arguments");
        }
    }
}
