/** JMH micro-benchmarks of Haeryu's hot paths. */
package io.haeryu.bench;
