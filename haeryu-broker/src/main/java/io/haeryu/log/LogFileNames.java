package io.haeryu.log;

import java.io.File;

/** File naming of a partition directory: segments and snapshots are named by their zero-padded base offset. */
final class LogFileNames {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** Appended to files of deleted segments, which are removed after file.delete.delay.ms. */
    static final String DELETED_SUFFIX = ".deleted";
    static final String TMP_SUFFIX = ".tmp";
    /** Files of a segment being written by the log cleaner; a crash leaves them incomplete, so loading deletes them. */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** Files of a cleaned segment committed to replace its originals; loading completes the replacement. */
    static final String SWAP_SUFFIX = ".swap";
    /** Suffix of a whole partition directory scheduled for deletion. */
    static final String DELETE_DIR_SUFFIX = "-delete";

    private LogFileNames() {
    }

    static File file(File dir, long offset, String suffix) {
        return new File(dir, String.format("%020d", offset) + suffix);
    }

    /** The offset a file is named after, or -1 if the name is not "&lt;20 digits&gt;&lt;suffix&gt;". */
    static long offsetFromName(String name, String suffix) {
        if (!name.endsWith(suffix) || name.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
