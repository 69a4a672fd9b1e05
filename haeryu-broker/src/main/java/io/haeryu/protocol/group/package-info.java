/** Request handlers for the classic consumer-group APIs, translating wire versions to {@link io.haeryu.group.GroupCoordinator} calls. */
package io.haeryu.protocol.group;
