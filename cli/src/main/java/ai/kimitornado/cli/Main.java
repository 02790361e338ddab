package ai.kimitornado.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code kimi-tornado.jar}. Each subcommand lives in its own class in this package;
 * register new ones in {@link #SUBCOMMANDS}.
 */
@Command(name = "kimi-tornado", mixinStandardHelpOptions = true, version = "kimi-tornado 0.1.0",
        description = "Kimi Linear as Java kernels in task graphs, JIT-compiled to PTX, OpenCL C and SPIR-V.")
public final class Main implements Runnable {

    /** Subcommands, in the order `--help` lists them. */
    static final Class<?>[] SUBCOMMANDS = {
        GenerateCommand.class, ForwardCommand.class, TokenizeCommand.class, MakeTinyCommand.class, VerifyCommand.class,
        DevicesCommand.class, KernelsCommand.class, BenchCommand.class,
    };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    public static void main(String[] args) {
        var relaunched = SignalChaining.relaunchIfNeeded(args);
        if (relaunched.isPresent()) {
            System.exit(relaunched.get());
        }
        System.exit(commandLine().execute(args));
    }
}
