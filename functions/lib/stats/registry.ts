/**
 * The one list of statistical methods: adding a method means one file and one line here.
 * Descriptors say which direction means drift, so callers never guess from the name.
 */

import { centroidCosineDescriptor, centroidEuclideanDescriptor } from './centroid.ts';
import { chiSquareDescriptor } from './chi-square.ts';
import { domainClassifierDescriptor } from './domain-classifier.ts';
import { StatsInputError } from './errors.ts';
import { jensenShannonDescriptor } from './jensen-shannon.ts';
import { ksDescriptor } from './ks.ts';
import { mmdDescriptor } from './mmd.ts';
import { psiDescriptor } from './psi.ts';
import type { StatDataType, StatMethodDescriptor } from './types.ts';
import { wassersteinDescriptor } from './wasserstein.ts';

export const statMethods: readonly StatMethodDescriptor[] = Object.freeze([
  ksDescriptor,
  chiSquareDescriptor,
  jensenShannonDescriptor,
  psiDescriptor,
  wassersteinDescriptor,
  mmdDescriptor,
  domainClassifierDescriptor,
  centroidEuclideanDescriptor,
  centroidCosineDescriptor,
]);

export function getStatMethod(name: string): StatMethodDescriptor {
  const found = statMethods.find((m) => m.name === name);
  if (!found) throw new StatsInputError('INVALID_OPTION', `unknown stats method "${name}"`);
  return found;
}

export function statMethodsFor(dataType: StatDataType): StatMethodDescriptor[] {
  return statMethods.filter((m) => m.dataTypes.includes(dataType));
}
