/** A small JSON reader and writer shared by ZooKeeper payloads and the CLI's JSON output. */
package io.haeryu.json;
