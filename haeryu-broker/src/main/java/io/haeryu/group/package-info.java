/** The classic consumer group coordinator: group state machines and committed offsets, persisted in __consumer_offsets. */
package io.haeryu.group;
