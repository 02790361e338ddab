package ai.kimitornado.tasks.jit;

/** A work-group local array from {@code ctx.allocate*LocalArray(length)}: {@code __local elem name[length]}. */
public record LocalArray(int index, ElemType elem, int length) {
    public String name() {
        return "lmem" + index;
    }
}
