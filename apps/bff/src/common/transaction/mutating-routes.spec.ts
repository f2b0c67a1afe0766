import 'reflect-metadata';
import {
  CallHandler,
  Controller,
  Delete,
  ExecutionContext,
  Get,
  Patch,
  Post,
  Put,
  UseInterceptors,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { bindToMutatingRoutes } from './mutating-routes';

class Outer {
  intercept(_: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}
class Inner extends Outer {}
class RoutesOwn extends Outer {}

@Controller('things')
class ThingsController {
  @Get() list() {
    return [];
  }
  @Get(':id') one() {
    return {};
  }
  @Post() create() {
    return {};
  }
  @Put(':id') replace() {
    return {};
  }
  @Patch(':id') change() {
    return {};
  }
  @Delete(':id') remove() {
    return {};
  }
  @Post(':id/own') @UseInterceptors(RoutesOwn) withOwn() {
    return {};
  }
  helper() {
    return {};
  }
}

const boundTo = (name: keyof ThingsController) =>
  Reflect.getMetadata(INTERCEPTORS_METADATA, ThingsController.prototype[name]) ?? [];

/** The very same interceptors (instances or classes), in the same order. */
const expectSame = (bound: unknown[], expected: unknown[]) => {
  expect(bound).toHaveLength(expected.length);
  expected.forEach((interceptor, i) => expect(bound[i]).toBe(interceptor));
};

async function bind(interceptors: Outer[]) {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers: [ThingsController],
  }).compile();
  bindToMutatingRoutes(module.get(DiscoveryService), module.get(MetadataScanner), interceptors);
  await module.close();
}

describe('bindToMutatingRoutes', () => {
  it('binds the interceptors, outermost first, to POST, PUT, PATCH and DELETE routes alone', async () => {
    const outer = new Outer();
    const inner = new Inner();
    await bind([outer, inner]);
    for (const name of ['create', 'replace', 'change', 'remove'] as const) {
      expectSame(boundTo(name), [outer, inner]);
    }
    expect(boundTo('list')).toEqual([]);
    expect(boundTo('one')).toEqual([]);
    expect(boundTo('helper')).toEqual([]);
  });

  it("puts them ahead of the route's own interceptors", async () => {
    const outer = new Outer();
    const inner = new Inner();
    await bind([outer, inner]);
    expectSame(boundTo('withOwn'), [outer, inner, RoutesOwn]);
  });

  it('replaces what an earlier application bound rather than adding to it', async () => {
    await bind([new Outer(), new Inner()]);
    const outer = new Outer();
    const inner = new Inner();
    await bind([outer, inner]);
    expectSame(boundTo('create'), [outer, inner]);
    expectSame(boundTo('withOwn'), [outer, inner, RoutesOwn]);
  });
});
