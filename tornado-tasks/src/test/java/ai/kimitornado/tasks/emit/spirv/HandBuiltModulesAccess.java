package ai.kimitornado.tasks.emit.spirv;

/** Public door to the package-private hand-built modules for tests in other packages. */
public final class HandBuiltModulesAccess {
    public static final int REDUCE_GROUP = HandBuiltModules.REDUCE_GROUP;

    private HandBuiltModulesAccess() {
    }

    public static byte[] vectorAdd() {
        return HandBuiltModules.vectorAdd();
    }

    public static byte[] localReduction() {
        return HandBuiltModules.localReduction();
    }
}
