package io.haeryu.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest, so it is set in one place (the POM). */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = HaeryuCli.class.getPackage().getImplementationVersion();
        return new String[] {"haeryu " + (v == null ? "(development build)" : v)};
    }
}
