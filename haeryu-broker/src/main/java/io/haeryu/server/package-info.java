/** Broker assembly and lifecycle: wires config, storage, metadata, coordinators and the network together. */
package io.haeryu.server;
