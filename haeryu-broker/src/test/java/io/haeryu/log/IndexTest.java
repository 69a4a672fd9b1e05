package io.haeryu.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
    @TempDir
    Path dir;

    @Test
    void offsetIndexFindsTheLastEntryAtOrBeforeATarget() throws IOException {
        OffsetIndex index = new OffsetIndex(new File(dir.toFile(), "a.index"), 100, 80);
        index.append(104, 400);
        index.append(110, 1000);
        index.append(120, 2000);

        assertThat(index.positionForOffset(100)).isZero();
        assertThat(index.positionForOffset(104)).isEqualTo(400);
        assertThat(index.positionForOffset(119)).isEqualTo(1000);
        assertThat(index.positionForOffset(500)).isEqualTo(2000);
        assertThat(index.batchStartAtOrBefore(1999)).isEqualTo(1000);
        assertThat(index.batchStartAtOrBefore(399)).isZero();
    }

    @Test
    void offsetIndexIsFullAtItsSizeAndKeepsEntriesAcrossTrimAndReopen() throws IOException {
        File file = new File(dir.toFile(), "b.index");
        OffsetIndex index = new OffsetIndex(file, 0, 20); // room for two 8-byte entries
        index.append(1, 10);
        assertThat(index.isFull()).isFalse();
        index.append(2, 20);
        assertThat(index.isFull()).isTrue();
        index.trimToValidSize();

        OffsetIndex reopened = new OffsetIndex(file, 0, 20);

        assertThat(file.length()).isEqualTo(16);
        assertThat(reopened.entries()).isEqualTo(2);
        assertThat(reopened.positionForOffset(5)).isEqualTo(20);
        assertThat(reopened.isConsistentWith(21)).isTrue();
        assertThat(reopened.isConsistentWith(20)).isFalse();
    }

    @Test
    void timeIndexOnlyRecordsGrowingTimestamps() throws IOException {
        TimeIndex index = new TimeIndex(new File(dir.toFile(), "c.timeindex"), 50, 120);
        index.maybeAppend(1000, 50);
        index.maybeAppend(900, 55); // not larger: ignored
        index.maybeAppend(2000, 60);

        assertThat(index.entries()).isEqualTo(2);
        assertThat(index.scanStartOffsetFor(999)).isEqualTo(50);
        assertThat(index.scanStartOffsetFor(1500)).isEqualTo(50);
        assertThat(index.scanStartOffsetFor(2000)).isEqualTo(60);
        assertThat(index.lastTimestamp()).isEqualTo(2000);
    }

    @Test
    void finalTimeIndexEntryFitsEvenWhenTheIndexIsFull() throws IOException {
        TimeIndex index = new TimeIndex(new File(dir.toFile(), "d.timeindex"), 0, 12);
        index.maybeAppend(1000, 0);
        index.maybeAppend(2000, 1); // full: skipped
        assertThat(index.entries()).isEqualTo(1);

        index.appendFinalEntry(2000, 1);

        assertThat(index.entries()).isEqualTo(2);
        assertThat(index.lastTimestamp()).isEqualTo(2000);
        assertThat(index.lastOffset()).isEqualTo(1);
    }
}
