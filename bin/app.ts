#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createTrailGuardStack } from '../lib/trailguard-app';

const app = new App();
createTrailGuardStack(app);
// cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
