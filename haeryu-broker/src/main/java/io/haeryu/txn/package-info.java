/** Producer ids and epochs now; the transaction coordinator (exactly-once) when transactions land. */
package io.haeryu.txn;
