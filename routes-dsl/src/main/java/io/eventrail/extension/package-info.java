/**
 * How optional modules plug into Eventrail: {@link io.eventrail.extension.EventrailExtension}, found with
 * {@code ServiceLoader} ({@code META-INF/services/io.eventrail.extension.EventrailExtension}).
 */
package io.eventrail.extension;
