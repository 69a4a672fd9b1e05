package io.haeryu.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code haeryu completion}: a bash completion script generated from the command tree, so it never drifts. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a bash completion script.", "Use, with bin/ on the PATH: source <(haeryu completion)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("haeryu", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
