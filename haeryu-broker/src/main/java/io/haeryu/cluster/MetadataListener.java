package io.haeryu.cluster;

/** Told about every change of the metadata image, on a single notifier thread, in order. */
@FunctionalInterface
public interface MetadataListener {
    void onChange(MetadataImage previous, MetadataImage current);
}
