import { NestInterceptor, RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

const MUTATING_METHODS = new Set([
  RequestMethod.POST,
  RequestMethod.PUT,
  RequestMethod.PATCH,
  RequestMethod.DELETE,
]);

/**
 * Puts `interceptors`, outermost first, around every route that changes something (POST, PUT,
 * PATCH, DELETE) in every controller, ahead of the route's own. Reads go without them: Nest
 * wraps each request in every interceptor bound to its route, even one with nothing to do, and
 * that costs a read about as much CPU as the rest of the request. Must run before the routes are
 * registered (`app.init()`); running it again for another application replaces what it bound.
 */
export function bindToMutatingRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  interceptors: NestInterceptor[],
): void {
  const replaced = new Set(interceptors.map((interceptor) => interceptor.constructor));
  for (const controller of discovery.getControllers()) {
    const prototype = (controller.metatype as { prototype?: object } | null)?.prototype;
    if (!prototype) continue;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as object;
      if (!MUTATING_METHODS.has(Reflect.getMetadata(METHOD_METADATA, handler))) continue;
      const own: unknown[] = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []).filter(
        (bound: unknown) => !replaced.has((bound as object).constructor),
      );
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [...interceptors, ...own], handler);
    }
  }
}
